import type { Command } from "commander";
import { registerAf, registerAlt } from "./life/alt.ts";
import { registerGrowth } from "./life/growth.ts";
import { registerKm } from "./life/km.ts";
import { registerMcf } from "./life/mcf.ts";
import { registerReplacement } from "./life/replacement.ts";

/**
 * `moldtwin life <tool>`: the reliability engineer's analyses beyond fitting a life distribution (fit-life):
 * Kaplan–Meier survival, reliability growth, the mean cumulative function of repairable systems, optimal
 * preventive replacement, accelerated life test fits and the Arrhenius acceleration factor. One file per tool
 * under ./life/; every tool takes --json (exactly one JSON object, errors too) and the plotting ones --svg.
 */
export function registerLife(program: Command): void {
  const life = program
    .command("life")
    .description("life-data tools: km | growth | mcf | replacement | alt | af (see moldtwin life <tool> --help)");
  registerKm(life);
  registerGrowth(life);
  registerMcf(life);
  registerReplacement(life);
  registerAlt(life);
  registerAf(life);
}

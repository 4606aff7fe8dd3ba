import { compileRules, type Ruleset } from "../rules/index.ts";

/**
 * The rules in force, per project. Rules loaded from `--rules` (or the `rules` option) are the
 * default: they apply to every project that has not been given its own through the rules endpoint
 * (`PUT /emulator/v1/projects/{p}:securityRules`), and reloading the file also replaces the rules of
 * the emulator's own project, as firebase-tools' watcher does. No rules at all means everything is
 * allowed, as the official emulator does when started without a rules file.
 */
export class RulesRegistry {
  private fallback: Ruleset | undefined;
  private readonly byProject = new Map<string, Ruleset>();
  private readonly ownProject: string | undefined;

  constructor(ownProject: string | undefined, initial?: Ruleset) {
    this.ownProject = ownProject;
    this.fallback = initial;
  }

  /** The rules for a project, or undefined when none are loaded (open access). */
  forProject(projectId: string): Ruleset | undefined {
    return this.byProject.get(projectId) ?? this.fallback;
  }

  /** Sets one project's rules (the rules endpoint). */
  setForProject(projectId: string, rules: Ruleset): void {
    this.byProject.set(projectId, rules);
  }

  /** Replaces the default rules (the rules file changed). */
  setDefault(rules: Ruleset): void {
    this.fallback = rules;
    if (this.ownProject) this.byProject.delete(this.ownProject);
  }

  /** Compiles and installs default rules from source; throws RulesCompileError and keeps the old ones. */
  loadDefault(source: string, fileName: string): Ruleset {
    const rules = compileRules(source, fileName);
    this.setDefault(rules);
    return rules;
  }
}

/** A problem worth telling the user about that does not stop the run. Never holds a secret value. */
export interface Warning {
  code: string;
  message: string;
}

/** What happened to framework keys in one run; every list holds key names only, never values. */
export interface KeyReport {
  /** new random values, values derived from another key (a JWT public key or key id) */
  generated: string[];
  /** existing random values reused verbatim */
  kept: string[];
  /** values moved from an old key name (the original tool's `DB_X-Y_*`) to the new one */
  migrated: string[];
  /** values of services that left the config, moved into `$retired` */
  retired: string[];
  /** fixed or recomputed values that had been changed and were set back */
  reset: string[];
}

export function emptyKeyReport(): KeyReport {
  return { generated: [], kept: [], migrated: [], retired: [], reset: [] };
}

export function sortKeyReport(report: KeyReport): KeyReport {
  const sorted = (names: string[]) => [...new Set(names)].sort();
  const migrated = new Set(report.migrated);
  return {
    generated: sorted(report.generated),
    // a migrated value is kept too, but counting it twice would overstate the run
    kept: sorted(report.kept.filter((key) => !migrated.has(key))),
    migrated: sorted(report.migrated),
    retired: sorted(report.retired),
    reset: sorted(report.reset),
  };
}

/** The files of a tsdevstack project that the CLI reads or writes, relative to the root (SPEC §1). */
export const CONFIG_FILE = '.tsdevstack/config.json';
export const FRAMEWORK_FILE = '.secrets.tsdevstack.json';
export const USER_FILE = '.secrets.user.json';
export const LOCAL_FILE = '.secrets.local.json';
export const EXAMPLE_FILE = '.secrets.user.example.json';
export const SECRET_MAP_FILE = '.tsdevstack/secret-map.json';

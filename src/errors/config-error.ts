/** The environment is invalid: the gateway refuses to start, and the message names the variable (never its value). */
export class ConfigError extends Error {}

/** Exit codes of `adapter-lab`: 0 ok, 1 a training run failed / was cancelled, 2 bad input (config, data, arguments). */
export const EXIT = { ok: 0, trainingFailed: 1, badInput: 2 } as const;

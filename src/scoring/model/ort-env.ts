/**
 * Imported before onnxruntime-node loads. onnxruntime's telemetry (on by default in the npm build)
 * writes ~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db} and leaves an
 * empty, world-readable /tmp/mat-debug-<pid>.log per process; ORT_DISABLE_TELEMETRY=1 turns all of
 * it off. Set on the main thread (the real process environment), before any session thread starts.
 * An operator's explicit value is kept.
 */
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export const ORT_TELEMETRY_DISABLED = process.env.ORT_DISABLE_TELEMETRY;

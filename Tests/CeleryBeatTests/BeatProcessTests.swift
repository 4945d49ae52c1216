import Testing

/// The beat suites that run `sigma-worker beat` and Python's `celery beat` as processes, with
/// timing they measure: one suite at a time, so that on a two-core machine they do not starve
/// each other (or the rest of the run) of CPU.
@Suite(.serialized)
struct BeatProcessTests {}

import Dispatch

// The command runs on the cooperative pool while the main thread waits on a semaphore.
// An `async` main would park the main thread in `dispatch_main()`, whose rt_sigsuspend on a
// read-only signal mask crashes valgrind 3.19 (the instruction counts of scripts/bench use
// callgrind); nothing here needs the main queue.
ProcessReplacement.noteInheritedDescriptors()
let finished = DispatchSemaphore(value: 0)
Task.detached {
    await SigmaWorkerCommand.main()
    finished.signal()
}
finished.wait()

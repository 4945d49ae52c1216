/// The CeleryWorker module (being built).
public enum CeleryWorkerModule {}

/// The CeleryTestTasks module (being built).
public enum CeleryTestTasksModule {}

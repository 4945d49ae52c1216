/// The SigmaTasks module (being built).
public enum SigmaTasksModule {}

/// The SigmaMail module (being built).
public enum SigmaMailModule {}

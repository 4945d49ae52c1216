/// The SigmaDatabase module (being built).
public enum SigmaDatabaseModule {}

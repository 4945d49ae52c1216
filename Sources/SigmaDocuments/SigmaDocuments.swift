/// The SigmaDocuments module (being built).
public enum SigmaDocumentsModule {}

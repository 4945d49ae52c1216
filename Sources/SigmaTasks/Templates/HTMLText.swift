import DjangoTemplates

/// Text helpers with Django's template semantics: auto-escaping and the `linebreaks` filter.
public enum HTMLText {
    /// Django's `escape`: `&`, `<`, `>`, `"` and `'`.
    ///
    /// - Parameter text: any text.
    public static func escape(_ text: String) -> String { HTML.escape(text) }

    /// Django's `linebreaks` on escaped text: paragraphs split on blank lines become `<p>…</p>`,
    /// single newlines become `<br>`.
    ///
    /// - Parameter text: the user's message (not yet escaped).
    public static func linebreaks(_ text: String) -> String { HTML.linebreaks(text, autoescape: true) }
}

/// SigmaMail composes MIME e-mail and delivers it the way Django's mail backends do.
///
/// - ``MailMessage`` holds what a SIGMA task wants to send: an HTML body, inline images referenced
///   by `cid:` and attachments. ``MailMessage/rendered(date:messageID:messageIDDomain:)`` turns it
///   into the bytes of an RFC 5322 / MIME message: `multipart/mixed` with the HTML part, the inline images and the
///   attachments side by side (as Django builds it), RFC 2047 encoded headers, RFC 2231 file names,
///   base64 and quoted-printable bodies, CRLF line endings.
/// - ``MailConfiguration`` reads Django's settings names (`EMAIL_BACKEND`, `EMAIL_HOST`, …,
///   `DEFAULT_FROM_EMAIL`) and ``MailConfiguration/makeBackend(logger:)`` returns the matching
///   ``MailBackend``: SMTP through libcurl, file, console, in-memory or dummy.
/// - ``MailError`` classifies every failure as temporary (retry) or permanent (fail).
/// - ``MailSizeEstimate`` is the 25 MiB accounting of the RHITSO task.
public enum SigmaMail {}

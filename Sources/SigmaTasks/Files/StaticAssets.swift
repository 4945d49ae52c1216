import Foundation

/// The static images the tasks use (§6.4), read from the configured static folders.
public struct StaticAssets: Sendable {
    /// Logical paths under a static folder.
    public enum Asset: String, Sendable, CaseIterable {
        case sicLogo = "images/logos/logo_sic.png"
        case rhitsoLogo = "images/logos/logo_rhitso.png"
        case rhitsoDiagram = "images/rhitso/diagrama.png"
        case linkIcon = "images/utilitys/link.png"
        case instagramIcon = "images/utilitys/instagram.png"
        case facebookIcon = "images/utilitys/facebook.png"
        case whatsappIcon = "images/utilitys/whatsapp.png"
    }

    /// Folders searched for e-mail images (Django's static finders: `STATICFILES_DIRS`).
    public var staticDirectories: [String]
    /// `STATIC_ROOT`, searched before the folders for PDF images.
    public var staticRoot: String

    /// Creates the finder.
    ///
    /// - Parameters:
    ///   - staticRoot: `STATIC_ROOT`.
    ///   - staticDirectories: `STATICFILES_DIRS`.
    public init(staticRoot: String, staticDirectories: [String]) {
        self.staticRoot = staticRoot
        self.staticDirectories = staticDirectories
    }

    /// The file of an asset for an e-mail, or `nil`.
    public func forEmail(_ asset: Asset) -> URL? {
        first(in: staticDirectories, asset)
    }

    /// The file of an asset for a PDF (`STATIC_ROOT` first), or `nil`.
    public func forPDF(_ asset: Asset) -> URL? {
        first(in: [staticRoot] + staticDirectories, asset)
    }

    private func first(in folders: [String], _ asset: Asset) -> URL? {
        for folder in folders {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(asset.rawValue)
            if MediaStorage.isRegularFile(url) { return url }
        }
        return nil
    }
}

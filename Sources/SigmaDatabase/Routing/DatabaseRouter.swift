import Logging
import NIOCore
import NIOPosix

/// SIGMA's country databases and the routing of a task's `db_alias` to one of them.
///
/// Create one per worker process and call ``shutdown()`` when the worker stops.
public final class DatabaseRouter: Sendable {
    /// The configuration the pools were built from.
    public let configuration: DatabaseConfiguration
    /// The Mexico database (`default`, `mexico`).
    public let mexico: CountryDatabase
    /// The Argentina database.
    public let argentina: CountryDatabase

    /// Creates the pools; no connection is opened until first use.
    ///
    /// - Parameters:
    ///   - configuration: where the databases are.
    ///   - logger: receives the layer's messages (never passwords or statements).
    ///   - eventLoopGroup: the loops the connections run on.
    public init(
        configuration: DatabaseConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        mexico = CountryDatabase(
            alias: .mexico, configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup)
        argentina = CountryDatabase(
            alias: .argentina, configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup
        )
    }

    /// The database of a country.
    ///
    /// - Parameter alias: the country database.
    public func database(_ alias: DatabaseAlias) -> CountryDatabase {
        switch alias {
        case .mexico: mexico
        case .argentina: argentina
        }
    }

    /// The database a task's `db_alias` names (absent, `default`, `mexico` → Mexico).
    ///
    /// - Parameter dbAlias: the `db_alias` keyword argument.
    /// - Throws: ``SigmaDatabaseError`` `unknownAlias` (not retryable) for any other value.
    public func database(dbAlias: String?) throws -> CountryDatabase {
        database(try DatabaseAlias(dbAlias: dbAlias))
    }

    /// Closes every pooled connection.
    public func shutdown() async {
        await mexico.shutdown()
        await argentina.shutdown()
    }
}

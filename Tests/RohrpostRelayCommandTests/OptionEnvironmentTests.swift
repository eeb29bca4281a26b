import Foundation
import Testing

@testable import rohrpost_relay

/// Flags and their `ROHRPOST_...` variables, with a dictionary as the environment.
@Suite struct OptionEnvironmentTests {
    @Test func variableNameComesFromTheFlag() {
        #expect(OptionName("max-connections-per-address").variables == ["ROHRPOST_MAX_CONNECTIONS_PER_ADDRESS"])
    }

    @Test func flagWinsOverVariable() throws {
        let environment = OptionEnvironment(["ROHRPOST_MAX_SUBSCRIPTIONS": "5"])
        #expect(try environment.value(7, "max-subscriptions") == 7)
    }

    @Test func variableIsUsedWithoutFlag() throws {
        let environment = OptionEnvironment(["ROHRPOST_MAX_SUBSCRIPTIONS": "5"])
        #expect(try environment.value(Int?.none, "max-subscriptions") == 5)
    }

    @Test func emptyVariableCountsAsUnset() throws {
        let environment = OptionEnvironment(["ROHRPOST_PORT": ""])
        #expect(try environment.value(Int?.none, "port") == nil)
    }

    @Test func badVariableNamesFlagAndVariable() {
        let environment = OptionEnvironment(["ROHRPOST_MAX_SUBSCRIPTIONS": "lots"])
        #expect(
            error(of: { try environment.value(Int?.none, "max-subscriptions") })
                == "--max-subscriptions (ROHRPOST_MAX_SUBSCRIPTIONS): 'lots' is not a whole number")
    }

    @Test func integerBelowMinimumIsRefused() {
        let environment = OptionEnvironment(["ROHRPOST_MESSAGE_BURST": "0"])
        #expect(
            error(of: { try environment.integer(nil, "message-burst", atLeast: 1) })
                == "--message-burst (ROHRPOST_MESSAGE_BURST): 0 is less than 1")
    }

    @Test func durationsTakeUnits() throws {
        let environment = OptionEnvironment(["ROHRPOST_SHUTDOWN_GRACE": "2m"])
        #expect(try environment.duration(nil, "shutdown-grace") == .seconds(120))
        #expect(try environment.duration("15", "shutdown-grace") == .seconds(15))
        #expect(try environment.duration("5ms", "capture-batch-window") == .milliseconds(5))
        #expect(error(of: { try environment.duration("5 ms", "capture-batch-window") }).contains("--capture-batch-window (ROHRPOST_CAPTURE_BATCH_WINDOW)"))
        #expect(error(of: { try environment.duration("soon", "shutdown-grace") }).contains("--shutdown-grace (ROHRPOST_SHUTDOWN_GRACE)"))
        #expect(error(of: { try environment.duration("0", "handler-timeout", allowsZero: false) }).contains("longer than 0"))
    }

    @Test func choiceListsTheCases() throws {
        let environment = OptionEnvironment(["ROHRPOST_LOG_FORMAT": "JSON"])
        #expect(try environment.choice(nil, "log-format") == LogFormat.json)
        #expect(
            error(of: { () -> LogFormat? in try environment.choice("xml", "log-format") })
                == "--log-format (ROHRPOST_LOG_FORMAT): 'xml' is not one of text, json")
    }

    @Test func listSplitsTheVariableAtCommas() {
        let name = OptionName("allowed-origin", variables: ["ROHRPOST_ALLOWED_ORIGINS"])
        let environment = OptionEnvironment(["ROHRPOST_ALLOWED_ORIGINS": "https://a.example, https://b.example,"])
        #expect(environment.list([], name) == ["https://a.example", "https://b.example"])
        #expect(environment.list(["https://c.example"], name) == ["https://c.example"])
    }

    @Test func switchReadsTrueAndFalse() throws {
        #expect(try OptionEnvironment(["ROHRPOST_MIGRATE": "true"]).isOn(false, "migrate"))
        #expect(try !OptionEnvironment(["ROHRPOST_MIGRATE": "0"]).isOn(false, "migrate"))
        #expect(try OptionEnvironment([:]).isOn(true, "migrate"))
        #expect(throws: StartupError.self) { try OptionEnvironment(["ROHRPOST_MIGRATE": "maybe"]).isOn(false, "migrate") }
    }

    @Test func secretComesFromItsFileVariable() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rohrpost-secret-\(UUID().uuidString)")
        try "postgres://app@db/app\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let environment = OptionEnvironment(["ROHRPOST_DATABASE_URL_FILE": file.path])
        let options = try CommonOptions.parse([])
        #expect(try options.explicitDatabaseURL(environment) == "postgres://app@db/app")
        // The plain variable wins over the file.
        let both = OptionEnvironment(["DATABASE_URL_FILE": file.path, "DATABASE_URL": "host=other"])
        #expect(try options.explicitDatabaseURL(both) == "host=other")
    }

    @Test func unreadableSecretFileNamesTheOption() throws {
        let environment = OptionEnvironment(["DATABASE_URL_FILE": "/nonexistent/rohrpost-url"])
        let message = error(of: { try CommonOptions.parse([]).explicitDatabaseURL(environment) })
        #expect(message.hasPrefix("--database-url-file (DATABASE_URL_FILE, ROHRPOST_DATABASE_URL_FILE): cannot read '/nonexistent/rohrpost-url'"))
    }

    @Test func serverOptionsReadTheEnvironment() throws {
        let environment = OptionEnvironment([
            "ROHRPOST_HOST": "0.0.0.0", "ROHRPOST_PORT": "9000", "ROHRPOST_MAX_SUBSCRIPTIONS": "50",
            "ROHRPOST_IDLE_TIMEOUT": "0", "ROHRPOST_HANDSHAKE_TIMEOUT": "3s",
        ])
        let configuration = try ServerOptions.parse(["--max-subscriptions", "60"]).configuration(environment)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(configuration.maximumSubscriptions == 60)
        #expect(configuration.idleTimeout == nil)
        #expect(configuration.handshakeTimeout == .seconds(3))
    }

    @Test func portOutOfRangeIsRefused() {
        let environment = OptionEnvironment(["ROHRPOST_PORT": "70000"])
        #expect(
            error(of: { try ServerOptions.parse([]).configuration(environment) })
                == "--port (ROHRPOST_PORT): 70000 is not a TCP port (0-65535)")
    }

    @Test func trustedProxiesComeFromTheFlagOrTheVariable() throws {
        let environment = OptionEnvironment(["ROHRPOST_TRUSTED_PROXIES": "10.0.0.0/8, ::1"])
        let fromVariable = try ServerOptions.parse([]).configuration(environment).trustedProxies
        #expect(fromVariable.blocks.map(\.description) == ["10.0.0.0/8", "::1/128"])
        let fromFlags = try ServerOptions.parse(["--trusted-proxy", "127.0.0.1"]).configuration(environment).trustedProxies
        #expect(fromFlags.blocks.map(\.description) == ["127.0.0.1/32"])
        #expect(
            error(of: { try ServerOptions.parse(["--trusted-proxy", "nginx.internal"]).configuration() })
                == "--trusted-proxy (ROHRPOST_TRUSTED_PROXIES): 'nginx.internal' is not an IP address or CIDR block such as 10.0.0.0/8")
    }

    @Test func tlsNeedsBothFiles() {
        let environment = OptionEnvironment(["ROHRPOST_TLS_CERTIFICATE_FILE": "/tmp/cert.pem"])
        #expect(
            error(of: { try ServerOptions.parse([]).configuration(environment) })
                == "--tls-key-file (ROHRPOST_TLS_KEY_FILE): is needed with --tls-certificate-file")
    }

    @Test func journalOptionsReadTheEnvironment() throws {
        let environment = OptionEnvironment(["ROHRPOST_PRUNE_INTERVAL": "0", "ROHRPOST_MAX_RESUME_EVENTS": "20"])
        let configuration = try JournalOptions.parse([]).configuration(environment)
        #expect(configuration.pruneInterval == nil)
        #expect(configuration.maximumResumeEvents == 20)
    }

    /// Every option `serve --help` lists names its default and its variable, and the README's
    /// configuration tables list it.
    @Test(arguments: ["serve", "demo"])
    func helpDocumentsEveryOption(command: String) throws {
        let help = command == "serve" ? Serve.helpMessage(columns: 2000) : Demo.helpMessage(columns: 2000)
        let readme = try String(contentsOf: Self.readme, encoding: .utf8)
        // An option's entry is its line and the indented lines after it.
        var entries: [String] = []
        for line in help.split(separator: "\n") {
            if line.hasPrefix("  --") {
                entries.append(String(line))
            } else if line.hasPrefix("    "), !entries.isEmpty {
                entries[entries.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        #expect(entries.count > 20)
        for line in entries {
            let flag = String(line.dropFirst(4).prefix { $0 != " " && $0 != "/" })
            guard flag != "help", flag != "version" else { continue }
            #expect(line.contains("(default: "), "--\(flag) has no default in --help")
            #expect(line.contains("env: "), "--\(flag) has no variable in --help")
            let inReadme = readme.contains("| `--\(flag)`")
            #expect(inReadme, "--\(flag) is missing from README's tables")
        }
    }

    private static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")
}

/// The description of the error `body` throws, or "no error".
func error<T>(of body: () throws -> T) -> String {
    do {
        _ = try body()
        return "no error"
    } catch {
        return "\(error)"
    }
}

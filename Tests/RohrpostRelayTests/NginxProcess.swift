import Foundation
import RelayTestSupport
import RohrpostPostgres

#if canImport(Glibc)
import Glibc
#endif

/// nginx as a child process, balancing WebSockets over relays and naming each client in
/// `X-Forwarded-For` the way deploy/nginx/rohrpost-relay.conf does, with every file it
/// writes in a temporary prefix.
final class NginxProcess {
    let port: Int
    private let process: TestProcess
    private let prefix: URL

    /// Starts nginx on a free port in front of the relays on `upstreamPorts` and waits until
    /// it accepts connections. Fails (does not skip) when nginx is not installed.
    init(upstreamPorts: [Int], path: String = "/ws/rohrpost/", workerConnections: Int = 1024) async throws {
        guard let binary = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            throw LiveRelayError("nginx is not installed, and the scale-out test runs relays behind it: apt-get install -y nginx (.ci/run installs it)")
        }
        port = try LoopbackPort.free()
        prefix = FileManager.default.temporaryDirectory.appendingPathComponent("nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let p = prefix.path
        let servers = upstreamPorts.map { "        server 127.0.0.1:\($0) max_fails=1 fail_timeout=5s;" }.joined(separator: "\n")
        let configuration = """
            pid \(p)/nginx.pid;
            error_log \(p)/logs/error.log warn;
            worker_processes 1;
            worker_rlimit_nofile \(workerConnections * 2 + 64);
            events { worker_connections \(workerConnections); }
            http {
                access_log off;
                client_body_temp_path \(p)/client_body;
                proxy_temp_path \(p)/proxy;
                fastcgi_temp_path \(p)/fastcgi;
                uwsgi_temp_path \(p)/uwsgi;
                scgi_temp_path \(p)/scgi;
                upstream relays {
                    least_conn;
            \(servers)
                }
                map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                server {
                    listen 127.0.0.1:\(port);
                    location \(path) {
                        proxy_pass http://relays;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_read_timeout 1h;
                        proxy_buffering off;
                        proxy_connect_timeout 2s;
                    }
                }
            }
            """
        let file = prefix.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        process = try TestProcess([binary, "-c", file.path, "-p", p, "-g", "daemon off;"], output: "/dev/stderr")
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await PlainHTTP.get("/", port: port)) == nil {
            guard ContinuousClock.now < deadline, process.isRunning else {
                let log = (try? String(contentsOf: prefix.appendingPathComponent("logs/error.log"), encoding: .utf8)) ?? ""
                throw LiveRelayError("nginx did not start on port \(port):\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops nginx at once (SIGTERM is its fast shutdown) and removes its files.
    func stop() {
        if process.isRunning {
            process.send(SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: prefix)
    }

    deinit { stop() }
}

import Foundation
import PackagePlugin

/// Embeds the package's SQL, `sql/migrations/*.sql` and `sql/definitions/*.sql`, into the
/// target that uses this plugin, so the binary can apply it without the files beside it.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let sqlDirectory = context.package.directoryURL.appending(path: "sql")
        let folders = ["migrations", "definitions"].map { sqlDirectory.appending(path: $0) }
        let files = try folders.flatMap { folder in
            try FileManager.default
                .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        return [
            .buildCommand(
                displayName: "Embedding the SQL of sql/migrations and sql/definitions",
                executable: try context.tool(named: "EmbedTool").url,
                // The folders themselves are inputs too, so that adding a file re-runs the
                // tool (which lists the folders) without a change to the package.
                arguments: ["sql", output.path(), sqlDirectory.path()],
                inputFiles: files + folders,
                outputFiles: [output]
            )
        ]
    }
}

import Foundation
import PackagePlugin

/// Embeds the package's `sql/*.sql` migrations into the target that uses this plugin,
/// so the binary can apply them without the files beside it.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let sqlDirectory = context.package.directoryURL.appending(path: "sql")
        let files = try FileManager.default
            .contentsOfDirectory(at: sqlDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding the SQL migrations of sql/",
                executable: try context.tool(named: "EmbedTool").url,
                // The folder itself is an input too, so that adding a migration re-runs
                // the tool (which lists the folder) without a change to the package.
                arguments: ["migrations", output.path(), sqlDirectory.path()],
                inputFiles: files + [sqlDirectory],
                outputFiles: [output]
            )
        ]
    }
}

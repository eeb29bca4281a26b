import Foundation
import PackagePlugin

/// Embeds the repository's JavaScript client, `clients/js/rohrpost.js`, into the target
/// that uses this plugin, so the live page serves the same client apps use.
@main
struct EmbedClientScript: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let script = context.package.directoryURL.appending(path: "clients/js/rohrpost.js")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedClientScript.swift")
        return [
            .buildCommand(
                displayName: "Embedding clients/js/rohrpost.js",
                executable: try context.tool(named: "EmbedTool").url,
                arguments: ["client-script", output.path(), script.path()],
                inputFiles: [script],
                outputFiles: [output]
            )
        ]
    }
}

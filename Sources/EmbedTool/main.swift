import Foundation

// Writes Swift files that hold text files of the package, so the binary needs no files
// beside it. Usage:
//   EmbedTool migrations OUTPUT.swift SQL-FOLDER   every *.sql file, by name, as Migration.all
//   EmbedTool client-script OUTPUT.swift FILE.js   the file as LivePage.clientScript
let arguments = Array(CommandLine.arguments.dropFirst())
switch (arguments.first, arguments.count) {
case ("migrations", 3):
    try write(migrationsSource(folder: arguments[2]), to: arguments[1])
case ("client-script", 3):
    try write(clientScriptSource(file: arguments[2]), to: arguments[1])
default:
    FileHandle.standardError.write(
        Data("usage: EmbedTool migrations OUTPUT.swift SQL-FOLDER | EmbedTool client-script OUTPUT.swift FILE.js\n".utf8))
    exit(2)
}

func write(_ source: String, to path: String) throws {
    try source.write(toFile: path, atomically: true, encoding: .utf8)
}

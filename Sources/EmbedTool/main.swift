import Foundation

// Writes Swift files that hold text files of the package, so the binary needs no files
// beside it. Usage:
//   EmbedTool sql OUTPUT.swift SQL-FOLDER          SQL-FOLDER/migrations/*.sql as Migration.all and
//                                                  SQL-FOLDER/definitions/*.sql as SQLDefinition.all
//   EmbedTool client-script OUTPUT.swift FILE.js   the file as LivePage.clientScript
let arguments = Array(CommandLine.arguments.dropFirst())
switch (arguments.first, arguments.count) {
case ("sql", 3):
    try write(sqlSource(folder: arguments[2]), to: arguments[1])
case ("client-script", 3):
    try write(clientScriptSource(file: arguments[2]), to: arguments[1])
default:
    FileHandle.standardError.write(
        Data("usage: EmbedTool sql OUTPUT.swift SQL-FOLDER | EmbedTool client-script OUTPUT.swift FILE.js\n".utf8))
    exit(2)
}

func write(_ source: String, to path: String) throws {
    try source.write(toFile: path, atomically: true, encoding: .utf8)
}

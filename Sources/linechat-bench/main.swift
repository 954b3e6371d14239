import Bench

BenchCommand.main(Array(CommandLine.arguments.dropFirst()))

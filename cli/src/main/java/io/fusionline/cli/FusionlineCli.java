package io.fusionline.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./fusionline}: the launcher's entry point. Bad options exit with 2 and bad runtime
 * conditions (Kafka unreachable, a broker that will not start) with 1, each after a one-line
 * message on standard error; stack traces are only printed with {@code FUSIONLINE_DEBUG=1}.
 */
@Command(
        name = "fusionline",
        mixinStandardHelpOptions = true,
        version = "fusionline 0.1.0",
        description = "Real-time multimodal decisions on Apache Flink and Kafka.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            ClusterCommand.class,
            IngestCommand.class,
            SimulateCommand.class,
            ExportDatasetCommand.class,
            EvalCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FusionlineCli {

    private FusionlineCli() {}

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            // Kafka's jars carry a log4j2.yaml that would otherwise win over ours.
            System.setProperty("log4j2.configurationFile", "fusionline-cli-log4j2.xml");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new FusionlineCli());
        cli.setParameterExceptionHandler(
                (e, arguments) -> {
                    PrintWriter err = e.getCommandLine().getErr();
                    err.println(
                            "fusionline: "
                                    + e.getMessage()
                                    + " (see ./fusionline "
                                    + commandPath(e.getCommandLine())
                                    + "--help)");
                    return 2;
                });
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    if (e instanceof CommandLine.ParameterException) {
                        throw (CommandLine.ParameterException) e;
                    }
                    commandLine.getErr().println("fusionline: " + oneLine(e));
                    if ("1".equals(System.getenv("FUSIONLINE_DEBUG"))) {
                        e.printStackTrace(commandLine.getErr());
                    }
                    return 1;
                });
        return cli.execute(args);
    }

    private static String commandPath(CommandLine command) {
        StringBuilder path = new StringBuilder();
        for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
            path.insert(0, c.getCommandName() + " ");
        }
        return path.toString();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

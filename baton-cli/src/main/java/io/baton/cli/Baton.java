package io.baton.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code baton} command. Exit codes: 0 success, 1 failure (the node refused or could not be
 * reached), 2 usage error (unknown command or option, missing argument).
 */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
        description = "Runs and manages Baton nodes and their batch services.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure: the operation failed or the node could not be reached", "2:usage error"},
        subcommands = {CommandLine.HelpCommand.class, InitCommand.class, NodeCommand.class, ClusterCommand.class, DoctorCommand.class, DeployCommand.class, ServiceCommands.Undeploy.class,
            ServiceCommands.ListServices.class, ServiceCommands.Start.class, ServiceCommands.Stop.class,
            ServiceCommands.Kill.class, ServiceCommands.Pause.class, ServiceCommands.Resume.class, ServiceCommands.Trigger.class, ServiceCommands.Status.class,
            ServiceCommands.Slots.class, ServiceCommands.CronCheck.class,
            RunCommands.ListRuns.class, RunCommands.ShowRun.class, RunCommands.Waiting.class,
            ItemCommands.Retry.class, ItemCommands.Release.class, ItemCommands.Reprocess.class, ItemCommands.ListActions.class, AuditCommand.class, LogsCommand.class,
            LineageCommand.class,
            VersionCommands.ListVersions.class, VersionCommands.Rollback.class, VersionCommands.Export.class,
            SettingsCommands.Settings.class, SettingsCommands.Variables.class, SettingsCommands.AutoStart.class,
            SettingsCommands.AutoRestart.class,
            RoleCommands.SwitchOver.class, RoleCommands.Takeover.class, UserCommands.class, TokenCommands.class,
            AlertsCommand.class, SilenceCommands.class, io.baton.cli.monitor.MonitorCommand.class})
public final class Baton implements Runnable {

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "baton-cli-logback.xml");
        }
        int code = commandLine().execute(args);
        if (!NodeCommand.isDaemonRunning()) {
            System.exit(code);
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Baton());
        cl.setParameterExceptionHandler(new ConversionErrors(cl.getParameterExceptionHandler()));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = e instanceof java.nio.file.FileSystemException f ? FileErrors.describe(f)
                    : e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("baton: " + message);
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required; see baton --help");
    }
}

package io.fusionline.runtime;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Main class of the child JVMs the local runtime starts (the embedded Kafka broker, the local
 * cluster's JobManager and TaskManagers): starts a daemon thread that exits the JVM (through its
 * shutdown hooks, so Kafka and Flink shut down cleanly) when standard input closes, which happens
 * when the parent JVM ends for any reason, a {@code kill -9} included; then runs the main class
 * named by the first argument with the remaining arguments. No orphan brokers or Flink processes.
 *
 * <p>It depends on nothing but the JDK, so {@code LocalFlinkCluster} can write this one class into
 * a jar of its own and keep the cluster's classpath to Flink's jars.
 */
public final class ParentWatchdogMain {

    private ParentWatchdogMain() {}

    public static void main(String[] args) throws Exception {
        Thread watchdog =
                new Thread(
                        () -> {
                            try {
                                while (System.in.read() >= 0) {
                                    // parent alive; nothing is sent on this pipe
                                }
                            } catch (java.io.IOException ignored) {
                                // closed pipe: the parent is gone
                            }
                            System.exit(0);
                        },
                        "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}

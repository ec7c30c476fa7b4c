package io.fusionline.deploy.cluster;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Main class of the local cluster's JobManager and TaskManager JVMs: starts a daemon thread that
 * exits the JVM when standard input closes, which happens when the JVM that started the cluster
 * ends for any reason, a {@code kill -9} included, then runs the Flink entry point named by the
 * first argument with the remaining arguments. No orphan Flink processes.
 *
 * <p>It depends on nothing but the JDK: {@link LocalFlinkCluster} writes this one class into a jar
 * of its own, so the cluster's classpath stays Flink's jars only.
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

/**
 * The local runtime: a real KRaft Kafka broker from Maven Central jars in a child JVM, the
 * fusionline job on a Flink MiniCluster with its web UI, and the {@code fusionline} command line.
 */
package io.fusionline.runtime;

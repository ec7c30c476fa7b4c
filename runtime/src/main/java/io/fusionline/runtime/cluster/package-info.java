/**
 * A real standalone Flink session cluster on this machine (JobManager and TaskManagers as separate
 * JVMs from Flink's own jars) and the REST calls that deploy and operate the job jar on it.
 */
package io.fusionline.runtime.cluster;

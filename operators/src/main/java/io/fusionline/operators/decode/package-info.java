/** Turning raw Kafka bytes into validated records, or into dead letters with a reason. */
package io.fusionline.operators.decode;

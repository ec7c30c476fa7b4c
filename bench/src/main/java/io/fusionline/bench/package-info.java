/**
 * Benchmarks that measure a fusionline stage against its raw engine in the same run and print the
 * ratio. They are commands ({@code ./fusionline bench ...}), not timed tests.
 */
package io.fusionline.bench;

/** The demo: sample events of both domains in, decisions printed as they arrive. */
package io.fusionline.cli.demo;

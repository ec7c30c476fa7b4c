/** The {@code fusionline} command line: thin commands that parse options and call the runtime. */
package io.fusionline.cli;

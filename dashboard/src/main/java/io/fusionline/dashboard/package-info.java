/** The live dashboard: a token-protected web page over the decisions, alerts and transcripts. */
package io.fusionline.dashboard;

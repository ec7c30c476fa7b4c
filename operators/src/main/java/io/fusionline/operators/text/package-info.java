/** Keyed functions over text events. */
package io.fusionline.operators.text;

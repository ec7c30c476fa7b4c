/**
 * The fusion stages: text encoding ({@link io.fusionline.operators.fusion.TextEncodeFunction}),
 * event-time alignment per source ({@link io.fusionline.operators.fusion.AlignmentFunction}) and
 * the attention-bridge decision ({@link io.fusionline.operators.fusion.FusionDecisionOperator}),
 * configured by a {@link io.fusionline.operators.fusion.FusionOptions profile}.
 */
package io.fusionline.operators.fusion;

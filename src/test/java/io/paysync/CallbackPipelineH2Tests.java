package io.paysync;

/** The callback contract on the embedded H2 database (the default run). */
class CallbackPipelineH2Tests extends CallbackPipelineContract {
}

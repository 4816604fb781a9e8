package io.paysync;

/** The pipeline's catch-up with a full queue on H2 (the development database). */
class PipelineOverflowH2Tests extends PipelineOverflowContract {
}

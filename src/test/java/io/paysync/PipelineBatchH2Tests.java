package io.paysync;

/** The pipeline's batches on H2 (the development database). */
class PipelineBatchH2Tests extends PipelineBatchContract {
}

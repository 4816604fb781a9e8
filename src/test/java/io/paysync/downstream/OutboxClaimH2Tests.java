package io.paysync.downstream;

import javax.sql.DataSource;

import io.paysync.support.H2Memory;

/** The downstream claim on H2. */
class OutboxClaimH2Tests extends OutboxClaimContract {

    private final DataSource database = H2Memory.migrated("outbox-claim");

    @Override
    DataSource database() {
        return database;
    }
}

package io.moodlectl.database.postgresql;

import io.moodlectl.database.DatabaseCredentials;
import io.moodlectl.database.DatabaseEngine;
import io.moodlectl.database.DatabaseEngineContract;

import java.util.List;

class PostgresEngineIT extends DatabaseEngineContract {
    @Override
    protected DatabaseEngine engine() {
        return new PostgresEngine();
    }

    @Override
    protected String role() {
        return "postgres";
    }

    @Override
    protected List<String> networkClient(DatabaseCredentials c, String sql) {
        return List.of("psql", "-X", "-h", "db", "-U", c.user(), "-d", c.database(), "-A", "-t", "-c", sql);
    }

    @Override
    protected String passwordVariable() {
        return "PGPASSWORD";
    }

    @Override
    protected String versionPattern() {
        return "1[5-8]\\.\\d+";
    }
}

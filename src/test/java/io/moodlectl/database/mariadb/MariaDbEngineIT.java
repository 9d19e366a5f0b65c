package io.moodlectl.database.mariadb;

import io.moodlectl.database.DatabaseCredentials;
import io.moodlectl.database.DatabaseEngine;
import io.moodlectl.database.DatabaseEngineContract;

import java.util.List;

class MariaDbEngineIT extends DatabaseEngineContract {
    @Override
    protected DatabaseEngine engine() {
        return new MariaDbEngine();
    }

    @Override
    protected String role() {
        return "mariadb";
    }

    @Override
    protected List<String> networkClient(DatabaseCredentials c, String sql) {
        return List.of("mariadb", "-h", "db", "-u", c.user(), "-D", c.database(), "--batch", "--skip-column-names",
                "-e", sql);
    }

    @Override
    protected String passwordVariable() {
        return "MYSQL_PWD";
    }

    @Override
    protected String versionPattern() {
        return "(10|11)\\.\\d+\\.\\d+";
    }
}

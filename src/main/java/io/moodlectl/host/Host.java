package io.moodlectl.host;

import io.moodlectl.proxy.FrontProxy;
import io.moodlectl.record.OperationRecords;
import io.moodlectl.proxy.haproxy.HaproxyFrontProxy;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.docker.DockerConnection;
import io.moodlectl.runtime.images.ImageCatalog;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.storage.StorageDrivers;
import io.moodlectl.workflow.Journal;
import io.moodlectl.workflow.OperationRunner;
import io.moodlectl.workflow.ProgressListener;

/**
 * Everything a service needs on this host, opened lazily: the state directory, the journal and runner, the
 * container API, the pool, the image catalog, the front proxy and the secrets.
 */
public final class Host implements AutoCloseable {
    private final StateDir state;
    private final ProgressListener progress;
    private Journal journal;
    private DockerConnection connection;
    private StorageDriver storage;
    private ImageCatalog images;
    private FrontProxy proxy;

    public Host(StateDir state, ProgressListener progress) {
        this.state = state;
        this.progress = progress;
    }

    public StateDir state() {
        return state;
    }

    public ProgressListener progress() {
        return progress;
    }

    public synchronized Journal journal() {
        if (journal == null) {
            state.create();
            journal = Journal.open(state.journal());
            records().attach(journal);
        }
        return journal;
    }

    /** Each operation's notebook and Markdown record under records/, rewritten as it runs. */
    public OperationRecords records() {
        return new OperationRecords(state.records());
    }

    public OperationRunner operations() {
        return new OperationRunner(journal(), progress);
    }

    public synchronized DockerConnection connection() {
        if (connection == null) {
            connection = DockerConnection.connect();
        }
        return connection;
    }

    public ContainerRuntime runtime() {
        return connection().runtime();
    }

    public synchronized ImageCatalog images() {
        if (images == null) {
            images = new ImageCatalog(connection().images(), state.cache().resolve("images"));
        }
        return images;
    }

    /** The pool recorded by `host init`; NOT_READY if the host is not initialised, UNSUPPORTED if it is not mounted. */
    public synchronized StorageDriver storage() {
        if (storage == null) {
            HostConfig config = HostConfig.read(state);
            if (config.poolImage() != null) {
                PoolMounts.requireMounted(config);
            }
            storage = StorageDrivers.open(config.driver(), config.pool());
        }
        return storage;
    }

    public synchronized FrontProxy proxy() {
        if (proxy == null) {
            proxy = new HaproxyFrontProxy(runtime(), state.sites());
        }
        return proxy;
    }

    public SecretStore secrets() {
        state.create();
        return new SecretStore(state.secrets());
    }

    @Override
    public synchronized void close() {
        if (journal != null) {
            journal.close();
        }
        if (connection != null) {
            connection.close();
        }
    }
}

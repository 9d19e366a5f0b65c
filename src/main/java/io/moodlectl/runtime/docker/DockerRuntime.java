package io.moodlectl.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.ContainerState;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.runtime.RuntimeInfo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static io.moodlectl.runtime.docker.DockerErrors.Subject;

/** {@link ContainerRuntime} over the Docker Engine API (docker-java); works against Docker and Podman's compat API. */
public final class DockerRuntime implements ContainerRuntime {
    private final DockerConnection connection;
    private final DockerClient docker;

    DockerRuntime(DockerConnection connection) {
        this.connection = connection;
        this.docker = connection.client();
    }

    @Override
    public RuntimeInfo info() {
        return connection.info();
    }

    // ---- networks

    @Override
    public void createNetwork(String name, Map<String, String> labels, String subnet) {
        Subject s = new Subject("create network " + name, null, null, name);
        if (networkExists(name)) {
            throw DockerErrors.translate(s, new com.github.dockerjava.api.exception.ConflictException("network exists"));
        }
        DockerErrors.run(s, () -> {
            var cmd = docker.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true)
                    .withLabels(labels == null ? Map.of() : labels);
            if (subnet != null) {
                cmd.withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet)));
            }
            cmd.exec();
        });
    }

    @Override
    public Optional<String> networkSubnet(String name) {
        return findNetwork(name).flatMap(n -> {
            if (n.getIpam() == null || n.getIpam().getConfig() == null) {
                return Optional.empty();
            }
            return n.getIpam().getConfig().stream().map(Network.Ipam.Config::getSubnet)
                    .filter(sn -> sn != null && sn.contains(".")).findFirst();
        });
    }

    private Optional<Network> findNetwork(String name) {
        try {
            return Optional.of(docker.inspectNetworkCmd().withNetworkId(name).exec());
        } catch (RuntimeException e) {
            if (DockerErrors.isMissing(e)) {
                return Optional.empty();
            }
            throw DockerErrors.translate(new Subject("inspect network " + name, null, null, name), e);
        }
    }

    @Override
    public void removeNetwork(String name) {
        DockerErrors.tolerateMissing(new Subject("remove network " + name, null, null, name),
                () -> docker.removeNetworkCmd(name).exec());
    }

    @Override
    public boolean networkExists(String name) {
        return findNetwork(name).map(n -> name.equals(n.getName())).orElse(false);
    }

    @Override
    public List<String> listNetworks(Map<String, String> labels) {
        List<Network> all = DockerErrors.call("list networks", () -> docker.listNetworksCmd().exec());
        List<String> names = new ArrayList<>();
        for (Network n : all) {
            if (hasLabels(n.getLabels(), labels)) {
                names.add(n.getName());
            }
        }
        return names;
    }

    @Override
    public void connectNetwork(String network, String container, List<String> aliases) {
        DockerErrors.run(new Subject("connect " + container + " to network " + network, container, null, network), () ->
                docker.connectToNetworkCmd().withNetworkId(network).withContainerId(container)
                        .withContainerNetwork(new ContainerNetwork().withAliases(aliases == null ? List.of() : aliases))
                        .exec());
    }

    @Override
    public void disconnectNetwork(String network, String container) {
        DockerErrors.tolerateMissing(new Subject("disconnect " + container + " from " + network, container, null, network),
                () -> docker.disconnectFromNetworkCmd().withNetworkId(network).withContainerId(container).exec());
    }

    // ---- containers

    @Override
    public void create(ContainerSpec spec) {
        Subject s = new Subject("create container " + spec.name(), spec.name(), spec.image(), spec.network());
        DockerErrors.run(s, () -> {
            HostConfig host = HostConfig.newHostConfig().withRestartPolicy(RestartPolicy.noRestart());
            List<Bind> binds = new ArrayList<>();
            for (ContainerSpec.Mount m : spec.mounts()) {
                binds.add(new Bind(m.hostPath(), new Volume(m.containerPath()), m.readOnly() ? AccessMode.ro : AccessMode.rw));
            }
            host.withBinds(binds);
            List<ExposedPort> exposed = new ArrayList<>();
            List<PortBinding> bindings = new ArrayList<>();
            for (ContainerSpec.PortBinding p : spec.ports()) {
                ExposedPort ep = ExposedPort.tcp(p.containerPort());
                exposed.add(ep);
                bindings.add(new PortBinding(p.hostIp() == null ? Ports.Binding.bindPort(p.hostPort())
                        : Ports.Binding.bindIpAndPort(p.hostIp(), p.hostPort()), ep));
            }
            host.withPortBindings(bindings);
            if (spec.init()) {
                host.withInit(true);
            }
            if (!spec.sysctls().isEmpty()) {
                host.withSysctls(spec.sysctls());
            }
            if (!spec.extraHosts().isEmpty()) {
                host.withExtraHosts(spec.extraHosts().entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue()).toArray(String[]::new));
            }
            if (!spec.tmpfs().isEmpty()) {
                Map<String, String> tmpfs = new LinkedHashMap<>();
                spec.tmpfs().forEach(t -> tmpfs.put(t, ""));
                host.withTmpFs(tmpfs);
            }
            if (spec.network() != null) {
                host.withNetworkMode(spec.network());
            }
            CreateContainerCmd cmd = docker.createContainerCmd(spec.image()).withName(spec.name()).withHostConfig(host)
                    .withLabels(spec.labels())
                    .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            if (!exposed.isEmpty()) {
                cmd.withExposedPorts(exposed);
            }
            if (!spec.command().isEmpty()) {
                cmd.withCmd(spec.command());
            }
            if (spec.user() != null) {
                cmd.withUser(spec.user());
            }
            if (spec.network() != null) {
                if (!spec.aliases().isEmpty()) {
                    cmd.withAliases(spec.aliases());
                }
                if (spec.ipv4Address() != null) {
                    cmd.withIpv4Address(spec.ipv4Address());
                }
            }
            cmd.exec();
        });
    }

    @Override
    public void start(String name) {
        DockerErrors.run(Subject.container("start " + name, name), () -> docker.startContainerCmd(name).exec());
    }

    @Override
    public void stop(String name, Duration timeout) {
        DockerErrors.tolerateMissing(Subject.container("stop " + name, name),
                () -> docker.stopContainerCmd(name).withTimeout((int) Math.max(0, timeout.toSeconds())).exec());
    }

    @Override
    public void remove(String name) {
        DockerErrors.tolerateMissing(Subject.container("remove " + name, name),
                () -> docker.removeContainerCmd(name).withForce(true).withRemoveVolumes(true).exec());
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        InspectContainerResponse r;
        try {
            r = docker.inspectContainerCmd(name).exec();
        } catch (RuntimeException e) {
            if (DockerErrors.isMissing(e)) {
                return Optional.empty();
            }
            throw DockerErrors.translate(Subject.container("inspect " + name, name), e);
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        if (r.getNetworkSettings() != null && r.getNetworkSettings().getNetworks() != null) {
            r.getNetworkSettings().getNetworks().forEach((net, cn) -> addresses.put(net, nullToEmpty(cn.getIpAddress())));
        }
        var st = r.getState();
        boolean running = st != null && Boolean.TRUE.equals(st.getRunning());
        String status = st == null ? "unknown" : nullToEmpty(st.getStatus());
        return Optional.of(new ContainerState(stripSlash(r.getName()), r.getId(), r.getConfig().getImage(), running,
                status, r.getConfig().getLabels() == null ? Map.of() : Map.copyOf(r.getConfig().getLabels()),
                Map.copyOf(addresses)));
    }

    @Override
    public List<ContainerState> list(Map<String, String> labels) {
        List<Container> all = DockerErrors.call("list containers", () -> {
            var cmd = docker.listContainersCmd().withShowAll(true);
            if (labels != null && !labels.isEmpty()) {
                cmd.withLabelFilter(labels);
            }
            return cmd.exec();
        });
        List<ContainerState> out = new ArrayList<>();
        for (Container c : all) {
            if (!hasLabels(c.getLabels(), labels)) {
                continue; // the engine filtered already; checked again so a lax engine can't widen the result
            }
            Map<String, String> addresses = new LinkedHashMap<>();
            if (c.getNetworkSettings() != null && c.getNetworkSettings().getNetworks() != null) {
                c.getNetworkSettings().getNetworks().forEach((net, cn) -> addresses.put(net, nullToEmpty(cn.getIpAddress())));
            }
            String state = nullToEmpty(c.getState());
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : stripSlash(c.getNames()[0]);
            out.add(new ContainerState(name, c.getId(), c.getImage(), "running".equalsIgnoreCase(state), state,
                    c.getLabels() == null ? Map.of() : Map.copyOf(c.getLabels()), Map.copyOf(addresses)));
        }
        return out;
    }

    @Override
    public ExecResult exec(String container, List<String> command, String user, Map<String, String> env,
                           Consumer<String> output) {
        Subject s = Subject.container("run " + String.join(" ", command) + " in " + container, container);
        ExecCreateCmdResponse created = DockerErrors.call(s, () -> {
            var cmd = docker.execCreateCmd(container).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true);
            if (user != null) {
                cmd.withUser(user);
            }
            if (env != null && !env.isEmpty()) {
                // values (passwords) go only into the exec's environment, never into messages
                cmd.withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            }
            return cmd.exec();
        });
        LineSplitter lines = new LineSplitter(output);
        DockerErrors.run(s, () -> {
            try {
                docker.execStartCmd(created.getId()).exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        lines.accept(frame.getPayload());
                    }
                }).awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MoodlectlException(ExitCode.FAILED, "interrupted while running a command in " + container);
            }
        });
        lines.finish();
        InspectExecResponse done = DockerErrors.call(s, () -> docker.inspectExecCmd(created.getId()).exec());
        Long code = done.getExitCodeLong();
        return new ExecResult(code == null ? -1 : code.intValue(), lines.text());
    }

    @Override
    public String logs(String container, int tail) {
        Subject s = Subject.container("read the log of " + container, container);
        LineSplitter lines = new LineSplitter(null);
        DockerErrors.run(s, () -> {
            try {
                docker.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(tail)
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame frame) {
                                lines.accept(frame.getPayload());
                            }
                        }).awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MoodlectlException(ExitCode.FAILED, "interrupted while reading the log of " + container);
            }
        });
        lines.finish();
        return lines.text();
    }

    private static boolean hasLabels(Map<String, String> actual, Map<String, String> wanted) {
        if (wanted == null || wanted.isEmpty()) {
            return true;
        }
        if (actual == null) {
            return false;
        }
        for (var e : wanted.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String stripSlash(String n) {
        return n != null && n.startsWith("/") ? n.substring(1) : n;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Collects bytes as they arrive and hands complete lines to a consumer. */
    static final class LineSplitter {
        private final Consumer<String> consumer;
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSplitter(Consumer<String> consumer) {
            this.consumer = consumer;
        }

        synchronized void accept(byte[] bytes) {
            if (bytes == null) {
                return;
            }
            all.writeBytes(bytes);
            for (byte b : bytes) {
                if (b == '\n') {
                    emit();
                } else {
                    line.write(b);
                }
            }
        }

        synchronized void finish() {
            if (line.size() > 0) {
                emit();
            }
        }

        private void emit() {
            String l = line.toString(StandardCharsets.UTF_8);
            if (l.endsWith("\r")) {
                l = l.substring(0, l.length() - 1);
            }
            line.reset();
            if (consumer != null) {
                consumer.accept(l);
            }
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }
}

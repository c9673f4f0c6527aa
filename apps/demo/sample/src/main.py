import tomllib


def load(path: str) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


if __name__ == "__main__":
    settings = load("config/service.toml")
    print(f"listening on {settings['server']['listen_port']}")

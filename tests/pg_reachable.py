"""Exit 0 when the PostgreSQL server named on the command line answers, 1 otherwise."""

import sys

import sqlalchemy as sa


def main(url: str) -> int:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return 0
    except sa.exc.OperationalError:
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

from egi import create_app

app = create_app()

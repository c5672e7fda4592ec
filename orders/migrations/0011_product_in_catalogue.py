import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0001_initial'),
        ('orders', '0010_control_characters'),
    ]

    # The models moved from the cart app to the catalogue with their tables (db_table keeps the old names):
    # the database has nothing to do, only Django's picture of it changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='orderline',
                    name='product',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalogue.product'),
                ),
    
            ],
        ),
    ]

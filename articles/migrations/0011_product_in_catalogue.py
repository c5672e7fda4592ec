import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_control_characters'),
        ('catalogue', '0001_initial'),
    ]

    # The models moved from the cart app to the catalogue with their tables (db_table keeps the old names):
    # the database has nothing to do, only Django's picture of it changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='article',
                    name='products',
                ),
                migrations.AlterField(
                    model_name='articleproduct',
                    name='product',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalogue.product'),
                ),
                migrations.AddField(
                    model_name='article',
                    name='products',
                    field=models.ManyToManyField(blank=True, related_name='articles', through='articles.ArticleProduct', to='catalogue.product', verbose_name='products mentioned'),
                ),
    
            ],
        ),
    ]

"""Write and compile the Indonesian catalogue for REST framework and django-filter messages their own catalogues lack.

`python cases/api/locale/make_id.py`. REST framework 3.18 ships Indonesian for about a third of its messages; the
rest ("Invalid cursor", "A valid number is required.", the throttling wait, ...) would reach an Indonesian client
in English. This catalogue sits in LOCALE_PATHS, so Django prefers it to the packages' own; an entry here should
stay what the package's Indonesian says where that exists. tests/test_api_hostile.py checks that every message of
REST framework's catalogue comes out in Indonesian.
"""
import catalogue  # this folder: run as `python cases/api/locale/make_id.py`

ID = {
    # rest_framework: fields, serializers, validators
    '"{input}" is not a valid path choice.': '"{input}" bukan pilihan path yang sah.',
    "A valid number is required.": "Isi bidang ini harus berupa angka.",
    "Datetime value out of range.": "Nilai tanggal-waktu di luar rentang.",
    "Ensure this field has at least {min_length} elements.": "Bidang ini harus berisi sedikitnya {min_length} elemen.",
    "Ensure this field has no more than {max_length} elements.":
        "Bidang ini tidak boleh berisi lebih dari {max_length} elemen.",
    'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.':
        'Masukkan "slug" yang sah: huruf Unicode, angka, garis bawah, atau tanda hubung.',
    "Expected a date but got a datetime.": "Diharapkan tanggal, tetapi yang dikirim tanggal-waktu.",
    "Expected a datetime but got a date.": "Diharapkan tanggal-waktu, tetapi yang dikirim tanggal.",
    'Expected a list of items but got type "{input_type}".':
        'Isi bidang ini harus berupa daftar, bukan "{input_type}".',
    "Incorrect type. Expected URL string, received {data_type}.":
        "Jenis salah: diharapkan teks URL, yang dikirim {data_type}.",
    "Incorrect type. Expected pk value, received {data_type}.":
        "Jenis salah: diharapkan nilai primary key, yang dikirim {data_type}.",
    "Invalid data. Expected a dictionary, but got {datatype}.":
        "Data tidak sah: diharapkan objek JSON, yang dikirim {datatype}.",
    'Invalid datetime for the timezone "{timezone}".': 'Tanggal-waktu tidak sah untuk zona waktu "{timezone}".',
    "Invalid hyperlink - Incorrect URL match.": "Tautan tidak sah: URL tidak cocok.",
    "Invalid hyperlink - No URL match.": "Tautan tidak sah: tidak ada URL yang cocok.",
    "Invalid hyperlink - Object does not exist.": "Tautan tidak sah: objek tidak ada.",
    "Invalid input.": "Masukan tidak sah.",
    "Invalid value.": "Nilai tidak sah.",
    "Must be a valid UUID.": "Harus berupa UUID yang sah.",
    "Must be a valid boolean.": "Harus berupa nilai boolean (true atau false).",
    "No filename could be determined.": "Nama berkas tidak dapat ditentukan.",
    "Not a valid string.": "Bukan teks yang sah.",
    "Object with {slug_name}={value} does not exist.": "Objek dengan {slug_name}={value} tidak ada.",
    "String value too large.": "Teks terlalu panjang.",
    "Surrogate characters are not allowed: U+{code_point:X}.":
        "Karakter surrogate tidak diperbolehkan: U+{code_point:X}.",
    "The fields {field_names} must make a unique set.": "Gabungan isian {field_names} harus unik.",
    "The submitted data was not a file. Check the encoding type on the form.":
        "Data yang dikirim bukan berkas. Periksa jenis pengodean (multipart/form-data).",
    "This dictionary may not be empty.": "Objek ini tidak boleh kosong.",
    'This field must be unique for the "{date_field}" date.': 'Bidang ini harus unik untuk tanggal "{date_field}".',
    'This field must be unique for the "{date_field}" month.': 'Bidang ini harus unik untuk bulan "{date_field}".',
    'This field must be unique for the "{date_field}" year.': 'Bidang ini harus unik untuk tahun "{date_field}".',
    "This field must be unique.": "Bidang ini harus unik.",
    "This list may not be empty.": "Daftar ini tidak boleh kosong.",
    "This value does not match the required pattern.": "Nilai ini tidak sesuai dengan pola yang disyaratkan.",
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image.":
        "Unggah gambar yang sah. Berkas yang diunggah bukan gambar atau gambarnya rusak.",
    "More than {count} items...": "Lebih dari {count} butir...",
    "No items to select.": "Tidak ada butir untuk dipilih.",
    # rest_framework: authentication, requests, pagination, versioning, throttling
    "Invalid basic header. Credentials not correctly base64 encoded.":
        "Header basic tidak sah: kredensial tidak dikodekan base64 dengan benar.",
    "Invalid basic header. Credentials string should not contain spaces.":
        "Header basic tidak sah: kredensial tidak boleh memuat spasi.",
    "Invalid basic header. No credentials provided.": "Header basic tidak sah: kredensial tidak diberikan.",
    "Invalid token header. No credentials provided.": "Header token tidak sah: kredensial tidak diberikan.",
    "Invalid token header. Token string should not contain invalid characters.":
        "Header token tidak sah: token memuat karakter yang tidak sah.",
    "Invalid token header. Token string should not contain spaces.":
        "Header token tidak sah: token tidak boleh memuat spasi.",
    "Invalid token.": "Token tidak sah.",
    "Malformed request.": "Permintaan rusak.",
    'Method "{method}" not allowed.': 'Metode "{method}" tidak diizinkan.',
    "Invalid cursor": "Kursor halaman tidak sah",
    "Invalid page.": "Halaman tidak sah.",
    'Invalid version in "Accept" header.': 'Versi tidak sah pada header "Accept".',
    "Invalid version in URL path.": "Versi tidak sah pada path URL.",
    "Invalid version in URL path. Does not match any version namespace.":
        "Versi tidak sah pada path URL: tidak cocok dengan namespace versi mana pun.",
    "Invalid version in hostname.": "Versi tidak sah pada nama host.",
    "Invalid version in query parameter.": "Versi tidak sah pada parameter kueri.",
    # rest_framework: parameter descriptions (the OpenAPI schema) and the browsable API's labels
    "A page number within the paginated result set.": "Nomor halaman dalam hasil yang dipaginasi.",
    "A search term.": "Kata pencarian.",
    "A {value_type} identifying this {name}.": "{value_type} yang mengenali {name} ini.",
    "Number of results to return per page.": "Jumlah hasil per halaman.",
    "The initial index from which to return the results.": "Indeks awal hasil yang dikembalikan.",
    "The pagination cursor value.": "Nilai kursor halaman.",
    "Which field to use when ordering the results.": "Isian yang dipakai untuk mengurutkan hasil.",
    "UUID string": "Teks UUID",
    "unique integer value": "nilai bilangan bulat unik",
    "unique value": "nilai unik",
    "Created": "Dibuat",
    "Extra Actions": "Tindakan tambahan",
    "Filters": "Filter",
    "Key": "Kunci",
    "None": "Tidak ada",
    "Ordering": "Urutan",
    "Search": "Cari",
    "ascending": "naik",
    "descending": "turun",
    "content": "isi",
    "main content": "isi utama",
    "navbar": "bilah navigasi",
    "request form": "formulir permintaan",
    "request info": "informasi permintaan",
    "response info": "informasi jawaban",
    # django-filter (no Indonesian catalogue of its own): messages a filter query can return
    "Select a lookup.": "Pilih jenis pencarian.",
    "Range query expects two values.": "Kueri rentang memerlukan dua nilai.",
    "Multiple values may be separated by commas.": "Beberapa nilai dapat dipisah dengan koma.",
    "%s (descending)": "%s (menurun)",
}
PLURAL = {
    ("Expected available in {wait} second.", "Expected available in {wait} seconds."):
        "Coba lagi dalam {wait} detik.",
}


def main():
    catalogue.write("id", {"Plural-Forms": "nplurals=1; plural=0;", "PO-Revision-Date": "2026-12-06 00:00+0700"}, ID, format_marker="%s", plurals=PLURAL)


if __name__ == "__main__":
    main()
